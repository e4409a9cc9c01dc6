def test_index(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.json["service"] == "inventory"


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}
