// Package store keeps inventory items.
package store

import (
	"sort"
	"sync"

	"github.com/google/uuid"
)

// Item is one stock-keeping unit.
type Item struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Stock int    `json:"stock"`
}

// Store is what the API needs from a store.
type Store interface {
	List() []Item
	Get(id string) (Item, bool)
	Add(item Item) Item
}

// Memory is a Store held in memory, for development and tests.
type Memory struct {
	mu    sync.RWMutex
	items map[string]Item
}

// NewMemory returns an empty Memory store.
func NewMemory() *Memory { return &Memory{items: map[string]Item{}} }

func (m *Memory) List() []Item {
	m.mu.RLock()
	defer m.mu.RUnlock()
	items := make([]Item, 0, len(m.items))
	for _, item := range m.items {
		items = append(items, item)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	return items
}

func (m *Memory) Get(id string) (Item, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	item, ok := m.items[id]
	return item, ok
}

func (m *Memory) Add(item Item) Item {
	m.mu.Lock()
	defer m.mu.Unlock()
	item.ID = uuid.NewString()
	m.items[item.ID] = item
	return item
}
