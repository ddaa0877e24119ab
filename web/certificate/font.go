package certificate

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"os"
	"sync"
)

// The embedded fonts (font/README.md): Droid Sans Fallback cut to GBK for
// Chinese, DejaVu Sans cut to Latin-1 for letters and digits, which the
// former lacks. Both gzipped.
var (
	//go:embed font/DroidSansFallback-GBK.ttf.gz
	embeddedCJK []byte
	//go:embed font/DejaVuSans-Latin.ttf.gz
	embeddedLatin []byte
)

// Fonts are the TrueType fonts a certificate is written in: CJK for every
// character but Latin-1, which is written in Latin.
type Fonts struct {
	CJK, Latin []byte
}

var (
	fontOnce sync.Once
	fonts    Fonts
	fontErr  error
)

// LoadFonts returns the fonts: the embedded ones, with CJK the file at
// path when one is given (a whole font for characters beyond GBK).
func LoadFonts(path string) (Fonts, error) {
	fontOnce.Do(func() {
		if fonts.CJK, fontErr = gunzip(embeddedCJK); fontErr == nil {
			fonts.Latin, fontErr = gunzip(embeddedLatin)
		}
	})
	if fontErr != nil {
		return Fonts{}, fmt.Errorf("certificate: embedded font: %w", fontErr)
	}
	f := fonts
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Fonts{}, fmt.Errorf("certificate: font: %w", err)
		}
		f.CJK = b
	}
	return f, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
