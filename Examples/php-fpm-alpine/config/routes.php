<?php

declare(strict_types=1);

use App\Action\ListOrdersAction;
use Slim\App;

return static function (App $app): void {
    $app->get('/orders', ListOrdersAction::class);
};
