package auth

import (
	"fmt"
	"strings"

	qr "github.com/piglig/go-qr"
)

// QRCodeSVG draws text (an otpauth:// URI) as a QR code in an inline <svg>: one path
// of dark squares on a white square with the standard 4-module quiet zone, so phones
// read it in dark mode too. The text is the server's own, never a visitor's.
func QRCodeSVG(text string) (string, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return "", err
	}
	n := code.Size()
	const quiet = 4
	var path strings.Builder
	for y := range n {
		for x := range n {
			if code.Module(x, y) {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	size := n + 2*quiet
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="220" height="220" role="img" aria-label="QR code of the authenticator key" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`, size, size, size, size, path.String()), nil
}
