package certificates

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// qrPNG draws the QR code of text as an 8-bit grey PNG with the quiet zone the standard asks for
// (4 modules). gofpdf's own barcode helper embeds a lossy JPEG and caches codes globally forever;
// gofpdf rejects 16-bit PNGs, hence image.Gray.
func qrPNG(text string, modulePixels int) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("encoding QR code: %w", err)
	}
	n := code.Bounds().Dx()
	scaled, err := barcode.Scale(code, n*modulePixels, n*modulePixels)
	if err != nil {
		return nil, fmt.Errorf("scaling QR code: %w", err)
	}
	quiet := 4 * modulePixels
	side := n*modulePixels + 2*quiet
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	b := scaled.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.SetGray(quiet+x-b.Min.X, quiet+y-b.Min.Y, color.GrayModel.Convert(scaled.At(x, y)).(color.Gray))
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("writing QR code PNG: %w", err)
	}
	return buf.Bytes(), nil
}
