package main

import (
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/example/inventory-api/internal/api"
	"github.com/example/inventory-api/internal/store"
)

func main() {
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" {
		addr = ":8080"
	}

	r := chi.NewRouter()
	r.Use(middleware.Logger, middleware.Recoverer)
	api.New(store.NewMemory()).Routes(r)
	if dir := os.Getenv("DOCS_DIR"); dir != "" {
		r.Handle("/docs/*", http.StripPrefix("/docs/", http.FileServer(http.Dir(dir))))
	}

	log.Printf("listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, r))
}
