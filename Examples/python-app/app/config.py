class Config:
    SECRET_KEY = "dev"
    ITEMS_PER_PAGE = 20
    LOG_LEVEL = "INFO"


class TestConfig(Config):
    TESTING = True
