package sqlite_test

import (
	"testing"

	"envoybot/store/storetest"
)

// BenchmarkSignUp measures the sign-up transaction on the embedded store.
func BenchmarkSignUp(b *testing.B) { storetest.BenchSignUp(b, storetest.OpenSQLite) }
