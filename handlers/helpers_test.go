package handlers_test

import (
	"envoybot/configs"
)

// defaults is the shipped configuration, so tests follow the real rules.
var defaults = func() *configs.Config {
	cfg, err := configs.Load(func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	return cfg
}()

func rules() configs.Rules       { return defaults.Rules }
func campaign() configs.Campaign { return defaults.Campaign }
