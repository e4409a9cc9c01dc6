// Package api maps HTTP requests onto the item store.
package api

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/example/inventory-api/internal/store"
)

// API serves the inventory routes.
type API struct {
	store store.Store
}

// New returns an API backed by s.
func New(s store.Store) *API { return &API{store: s} }

// Routes registers the API's routes on r.
func (a *API) Routes(r chi.Router) {
	r.Get("/healthz", a.health)
	r.Get("/items", a.listItems)
	r.Post("/items", a.createItem)
	r.Get("/items/{id}", a.getItem)
}

func (a *API) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) listItems(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.store.List())
}

func (a *API) createItem(w http.ResponseWriter, r *http.Request) {
	var item store.Item
	if err := json.NewDecoder(r.Body).Decode(&item); err != nil {
		http.Error(w, "invalid JSON", http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusCreated, a.store.Add(item))
}

func (a *API) getItem(w http.ResponseWriter, r *http.Request) {
	item, _ := a.store.Get(chi.URLParam(r, "id"))
	writeJSON(w, http.StatusOK, item)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
