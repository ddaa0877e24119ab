package postgres_test

import (
	"testing"

	"envoybot/store/storetest"
)

// BenchmarkSignUp measures the sign-up transaction on PostgreSQL (skipped unless ENVOYBOT_TEST_DATABASE_URL is set).
func BenchmarkSignUp(b *testing.B) { storetest.BenchSignUp(b, storetest.OpenPostgres) }
