package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"peixun/training"
)

// InboxView is one page of the caller's notifications.
type InboxView struct {
	Inbox training.InboxPage
	Pages int
}

func (s *Server) inboxPage(c echo.Context) error {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	in, err := s.Training.Inbox(c.Request().Context(), actorOf(c), page, 20)
	if err != nil {
		return err
	}
	v := InboxView{Inbox: in, Pages: max((in.Total+in.PerPage-1)/in.PerPage, 1)}
	return s.render(c, http.StatusOK, "inbox.html", s.page(c, "title.inbox", v))
}

func (s *Server) markRead(c echo.Context) error {
	id, err := paramID(c, "notification")
	if err != nil {
		return err
	}
	if err := s.Training.MarkRead(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return redirect(c, inboxBack(c.FormValue("page")))
}

func (s *Server) markAllRead(c echo.Context) error {
	if _, err := s.Training.MarkAllRead(c.Request().Context(), actorOf(c)); err != nil {
		return err
	}
	return redirect(c, "/inbox?ok=all_read")
}

// inboxBack is the inbox page the caller came from.
func inboxBack(page string) string {
	if n, err := strconv.Atoi(page); err == nil && n > 1 {
		return "/inbox?page=" + strconv.Itoa(n)
	}
	return "/inbox"
}
