const express = require("express");

const app = express();
app.get("/", (_req, res) => res.send("hello from node-app\n"));
app.get("/healthz", (_req, res) => res.send("ok\n"));
app.listen(3000, () => console.log("listening on 3000"));
