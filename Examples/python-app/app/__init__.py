"""The inventory service: a small Flask application."""

from flask import Flask

from app.config import Config


def create_app(config: type[Config] = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config)

    from app.routes import bp

    app.register_blueprint(bp)
    return app
