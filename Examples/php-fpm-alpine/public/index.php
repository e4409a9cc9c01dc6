<?php

declare(strict_types=1);

use DI\ContainerBuilder;
use Slim\Factory\AppFactory;

require __DIR__ . '/../vendor/autoload.php';

$containerBuilder = new ContainerBuilder();
$containerBuilder->enableCompilation(__DIR__ . '/../var/cache');
$containerBuilder->addDefinitions(require __DIR__ . '/../config/settings.php');
AppFactory::setContainer($containerBuilder->build());

$app = AppFactory::create();
$app->addRoutingMiddleware();
$app->addErrorMiddleware((bool) getenv('APP_DEBUG'), true, true);

(require __DIR__ . '/../config/routes.php')($app);

$app->run();
