<?php

declare(strict_types=1);

namespace App\Tests\Action;

use App\Action\ListOrdersAction;
use App\Repository\OrderRepository;
use PHPUnit\Framework\TestCase;
use Slim\Psr7\Factory\ResponseFactory;
use Slim\Psr7\Factory\ServerRequestFactory;

final class ListOrdersActionTest extends TestCase
{
    public function testAnswersJson(): void
    {
        $orders = $this->createMock(OrderRepository::class);
        $orders->method('all')->willReturn([['id' => 1, 'status' => 'new']]);

        $response = (new ListOrdersAction($orders))(
            (new ServerRequestFactory())->createServerRequest('GET', '/orders'),
            (new ResponseFactory())->createResponse(),
        );

        self::assertSame('application/json', $response->getHeaderLine('Content-Type'));
    }
}
