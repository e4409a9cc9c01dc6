<?php

declare(strict_types=1);

namespace App\Action;

use App\Repository\OrderRepository;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;

final class ListOrdersAction
{
    public function __construct(private readonly OrderRepository $orders)
    {
    }

    public function __invoke(Request $request, Response $response): Response
    {
        $status = $request->getQueryParams()['status'] ?? null;
        $response->getBody()->write(json_encode($this->orders->all($status), JSON_THROW_ON_ERROR));

        return $response->withHeader('Content-Type', 'application/json');
    }
}
