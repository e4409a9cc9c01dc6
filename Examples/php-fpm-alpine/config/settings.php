<?php

declare(strict_types=1);

use Monolog\Handler\StreamHandler;
use Monolog\Logger;
use Psr\Log\LoggerInterface;

return [
    PDO::class => static fn (): PDO => new PDO(
        getenv('DATABASE_DSN') ?: 'pgsql:host=db;dbname=orders',
        getenv('DATABASE_USER') ?: 'orders',
        getenv('DATABASE_PASSWORD') ?: '',
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC],
    ),
    LoggerInterface::class => static fn (): LoggerInterface => new Logger('orders', [new StreamHandler('php://stderr')]),
];
