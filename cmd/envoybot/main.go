package main

import (
	_ "github.com/jackc/pgx/v5"
	_ "github.com/pressly/goose/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/robfig/cron/v3"
	_ "github.com/silenceper/wechat/v2"
	_ "go.yaml.in/yaml/v3"
	_ "modernc.org/sqlite"
)

func main() {}
