from flask import Blueprint, abort, jsonify

bp = Blueprint("api", __name__)

ITEMS = {
    1: {"id": 1, "name": "widget", "stock": 12},
    2: {"id": 2, "name": "gadget", "stock": 0},
    3: {"id": 3, "name": "sprocket", "stock": 140},
}


@bp.get("/")
def index():
    return jsonify(service="inventory", version="0.1.0")


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/items")
def list_items():
    return jsonify(items=list(ITEMS.values()))


@bp.get("/items/<int:item_id>")
def get_item(item_id: int):
    item = ITEMS.get(item_id)
    if item is None:
        abort(404)
    return jsonify(item)
