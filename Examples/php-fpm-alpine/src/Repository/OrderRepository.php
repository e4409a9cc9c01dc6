<?php

declare(strict_types=1);

namespace App\Repository;

use PDO;

final class OrderRepository
{
    public function __construct(private readonly PDO $db)
    {
    }

    /** @return list<array<string, mixed>> */
    public function all(?string $status = null): array
    {
        $statement = $this->db->prepare(
            'SELECT id, customer_id, status, total_cents, created_at FROM orders ORDER BY created_at DESC'
        );
        $statement->execute();

        return $statement->fetchAll();
    }

    /** @param list<array{sku: string, quantity: int}> $lines */
    public function create(int $customerId, array $lines): int
    {
        $this->db->beginTransaction();
        $this->db->prepare('INSERT INTO orders (customer_id, status) VALUES (?, ?)')
            ->execute([$customerId, 'new']);
        $id = (int) $this->db->lastInsertId();
        $line = $this->db->prepare('INSERT INTO order_lines (order_id, sku, quantity) VALUES (?, ?, ?)');
        foreach ($lines as $item) {
            $line->execute([$id, $item['sku'], $item['quantity']]);
        }
        $this->db->commit();

        return $id;
    }
}
