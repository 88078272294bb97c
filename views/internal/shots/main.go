package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/chromedp/chromedp"
)

const base = "http://127.0.0.1:8765"

type A = chromedp.Action[chromedp.Void]

func shot(ctx context.Context, name string, w, h int64, path string, acts ...A) {
	steps := []A{chromedp.EmulateViewport(w, h), chromedp.Navigate(base + path), chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(400 * time.Millisecond)}
	steps = append(steps, acts...)
	steps = append(steps, chromedp.Sleep(400*time.Millisecond))
	if err := chromedp.Do(ctx, steps...); err != nil {
		log.Printf("%s: %v", name, err)
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		log.Printf("%s: %v", name, err)
		return
	}
	os.WriteFile("/tmp/shots/"+name+".png", buf, 0o644)
}

func eval(ctx context.Context, js string) string {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		return "ERR " + err.Error()
	}
	return s
}

func ev(js string) A { return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error { _, err := chromedp.Evaluate[any](js)(ctx, t); return err }) }

func main() {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("hide-scrollbars", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	esc := chromedp.KeyEvent("\u001b")

	shot(ctx, "m-nav-open", 360, 800, "/home", chromedp.Click(chromedp.CSS("[data-nav-toggle]")))
	fmt.Println("after nav open:", eval(ctx, `document.activeElement.outerHTML.slice(0,60)+" | expanded="+document.querySelector("[data-nav-toggle]").getAttribute("aria-expanded")`))
	chromedp.Do(ctx, esc, chromedp.Sleep(300*time.Millisecond))
	fmt.Println("after escape:", eval(ctx, `document.activeElement.className+" | expanded="+document.querySelector("[data-nav-toggle]").getAttribute("aria-expanded")`))

	shot(ctx, "d-user-menu", 1280, 700, "/home", chromedp.Click(chromedp.CSS("[data-menu-button]")))
	chromedp.Do(ctx, chromedp.KeyEvent("\u001b"), chromedp.Sleep(100*time.Millisecond), chromedp.Focus(chromedp.CSS("[data-menu-button]")), chromedp.KeyEvent("\r"), chromedp.Sleep(200*time.Millisecond))
	fmt.Println("menu after keyboard toggle:", eval(ctx, `document.querySelector("[data-menu-button]").getAttribute("aria-expanded")+" focus="+document.activeElement.textContent.trim()`))
	chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-menu-button]")), chromedp.Sleep(100*time.Millisecond), chromedp.Click(chromedp.CSS("[data-menu-button]")), chromedp.KeyEvent("\u001b"))
	fmt.Println("menu after escape:", eval(ctx, `document.querySelector("[data-menu-button]").getAttribute("aria-expanded")+" focus="+document.activeElement.className`))

	shot(ctx, "d-signup-inst", 1280, 1300, "/signup-inst",
		chromedp.SendKeys(chromedp.CSS("#id_password1"), "abcDEF12"),
		chromedp.Click(chromedp.CSS(".pw-toggle")))
	fmt.Println("access code disabled/hidden (instructor):", eval(ctx, `document.getElementById("id_access_code").disabled + " " + document.querySelector("[data-show-if]").hidden+" pwtype="+document.getElementById("id_password1").type`))
	chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#id_user_type"), "student"), ev(`document.getElementById("id_user_type").dispatchEvent(new Event("change",{bubbles:true}))`))
	fmt.Println("access code disabled/hidden (student):", eval(ctx, `document.getElementById("id_access_code").disabled + " " + document.querySelector("[data-show-if]").hidden`))

	shot(ctx, "d-login-dark", 1280, 800, "/login-clean", chromedp.Click(chromedp.CSS("[data-theme-toggle]")))
	fmt.Println("theme:", eval(ctx, `localStorage.getItem("theme")+" "+document.documentElement.dataset.theme+" pressed="+document.querySelector("[data-theme-toggle]").getAttribute("aria-pressed")`))
	shot(ctx, "d-404-dark", 1280, 700, "/404")
	shot(ctx, "m-429-dark", 360, 800, "/429")
	shot(ctx, "m-signup-dark", 360, 1700, "/signup")
	shot(ctx, "d-home-dark-menu", 1280, 600, "/home", chromedp.Click(chromedp.CSS("[data-menu-button]")))
	chromedp.Do(ctx, ev(`localStorage.removeItem("theme")`))
	shot(ctx, "d-toast-js", 1280, 500, "/login-clean", ev(`ep.toast('<img src=x onerror=alert(1)>', 'warning')`))
	shot(ctx, "m-toast", 360, 500, "/home")
	chromedp.Do(ctx, chromedp.Sleep(5500*time.Millisecond))
	fmt.Println("toasts after 6s:", eval(ctx, `String(document.querySelectorAll("#toasts .toast").length)`))
	shot(ctx, "d-reset-bad", 1280, 800, "/reset-bad")
	shot(ctx, "d-reset-confirm", 1280, 900, "/reset-confirm")
	shot(ctx, "d-reset-sent", 1280, 800, "/reset-sent")
	shot(ctx, "d-500", 1280, 800, "/500")
	shot(ctx, "m-login", 360, 800, "/login")
	shot(ctx, "d-unread", 1280, 300, "/home-student", ev(`ep.setUnread(120)`))
	shot(ctx, "d-skip", 1280, 300, "/home-student", chromedp.KeyEvent("\t"))
}
