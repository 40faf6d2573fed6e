package handlers

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"peixun/assets"
)

// routes lists every URL of the platform with who may call it. The authorization matrix test walks
// the registered routes, so a route added here without an entry there fails the tests.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(s.recoverPanics, requestID, s.accessLog, securityHeaders, middleware.BodyLimit("64M"), s.chooseLanguage)

	static, _ := fs.Sub(assets.Static, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticHandler(static))))
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	app := e.Group("", s.identify, s.checkCSRF)
	r := func(method, path string, a access, h echo.HandlerFunc) { app.Add(method, path, h, require(a)) }

	// Sign-in and the caller's own pages.
	r(http.MethodGet, "/login", public, s.loginPage)
	r(http.MethodPost, "/login", public, s.login)
	r(http.MethodPost, "/logout", signedIn, s.logout)
	r(http.MethodGet, "/", signedIn, s.home)
	r(http.MethodGet, "/profile", signedIn, s.profile)
	r(http.MethodPost, "/profile/password", signedIn, s.changePassword)
	r(http.MethodPost, "/profile/sign-out-everywhere", signedIn, s.signOutEverywhere)
	r(http.MethodPost, "/profile/tokens", signedIn, s.createToken)
	r(http.MethodPost, "/profile/tokens/:id/revoke", signedIn, s.revokeToken)

	// Units and people (managers: their subtree; administrators: everything).
	r(http.MethodGet, "/units", manager, s.unitsPage)
	r(http.MethodPost, "/units", manager, s.createUnit)
	r(http.MethodPost, "/units/:id", manager, s.updateUnit)
	r(http.MethodPost, "/units/:id/move", manager, s.moveUnit)
	r(http.MethodGet, "/people", manager, s.peoplePage)
	r(http.MethodGet, "/people/new", manager, s.newPersonPage)
	r(http.MethodPost, "/people", manager, s.createPerson)
	r(http.MethodGet, "/people/:id", manager, s.editPersonPage)
	r(http.MethodPost, "/people/:id", manager, s.updatePerson)
	r(http.MethodPost, "/people/:id/status", manager, s.setPersonStatus)
	r(http.MethodPost, "/people/:id/password", admin, s.resetPassword)
	r(http.MethodPost, "/people/:id/sign-out-everywhere", manager, s.signOutPersonEverywhere)

	// Roster import and export.
	r(http.MethodGet, "/roster/import", manager, s.rosterPage)
	r(http.MethodPost, "/roster/preview", manager, s.rosterPreview)
	r(http.MethodPost, "/roster/import", manager, s.rosterImport)
	r(http.MethodGet, "/roster/export", manager, s.rosterExport)
	r(http.MethodGet, "/roster/template", manager, s.rosterTemplate)

	// JSON API with bearer tokens (or the page's session and CSRF header).
	r(http.MethodGet, "/api/v1/me", signedIn, s.apiMe)
	r(http.MethodGet, "/api/v1/units", manager, s.apiUnits)
	r(http.MethodGet, "/api/v1/units/:id", manager, s.apiUnit)
	r(http.MethodPost, "/api/v1/units", manager, s.apiCreateUnit)
	r(http.MethodPatch, "/api/v1/units/:id", manager, s.apiUpdateUnit)
	r(http.MethodGet, "/api/v1/people", manager, s.apiPeople)
	r(http.MethodGet, "/api/v1/people/:id", manager, s.apiPerson)
	r(http.MethodPost, "/api/v1/people", manager, s.apiCreatePerson)
	r(http.MethodPatch, "/api/v1/people/:id", manager, s.apiUpdatePerson)

	// Courses, lessons, materials, progress and in-person sessions (issue 3).
	e.Pre(s.withRawBody) // uploads stream past the global body limit; the service limits by kind
	r(http.MethodGet, "/manage/courses", trainer, s.manageCoursesPage)
	r(http.MethodGet, "/manage/courses/new", trainer, s.newCoursePage)
	r(http.MethodPost, "/manage/courses", trainer, s.createCourse)
	r(http.MethodGet, "/manage/courses/:id", trainer, s.editCoursePage)
	r(http.MethodPost, "/manage/courses/:id", trainer, s.updateCourse)
	r(http.MethodPost, "/manage/courses/:id/status", trainer, s.setCourseStatus)
	r(http.MethodPost, "/manage/courses/:id/delete", trainer, s.deleteCourse)
	r(http.MethodGet, "/manage/courses/:id/lessons/new", trainer, s.newLessonPage)
	r(http.MethodPost, "/manage/courses/:id/lessons", trainer, s.addLesson)
	r(http.MethodGet, "/manage/lessons/:id", trainer, s.editLessonPage)
	r(http.MethodPost, "/manage/lessons/:id", trainer, s.updateLesson)
	r(http.MethodPost, "/manage/lessons/:id/delete", trainer, s.deleteLesson)
	r(http.MethodPost, "/manage/lessons/:id/up", trainer, s.moveLesson)
	r(http.MethodPost, "/manage/lessons/:id/down", trainer, s.moveLesson)
	r(http.MethodPost, uploadPath, trainer, s.uploadMaterial)
	r(http.MethodGet, "/materials/:id", signedIn, s.serveMaterial)
	r(http.MethodGet, "/courses", signedIn, s.myCoursesPage)
	r(http.MethodGet, "/courses/:id", signedIn, s.coursePage)
	r(http.MethodGet, "/lessons/:id", signedIn, s.lessonPage)
	r(http.MethodGet, "/manage/lectures", trainer, s.lecturesPage)
	r(http.MethodGet, "/manage/lectures/new", trainer, s.newLecturePage)
	r(http.MethodPost, "/manage/lectures", trainer, s.createLecture)
	r(http.MethodGet, "/manage/lectures/:id", trainer, s.lecturePage)
	r(http.MethodPost, "/manage/lectures/:id/attendees", trainer, s.addAttendees)
	r(http.MethodPost, "/manage/lectures/:id/attendees/remove", trainer, s.removeAttendee)
	r(http.MethodPost, "/manage/lectures/:id/checkin", trainer, s.openCheckIn)
	r(http.MethodGet, "/manage/lectures/:id/qr.png", trainer, s.lectureQR)
	r(http.MethodGet, "/checkin", signedIn, s.checkinForm)
	r(http.MethodGet, "/checkin/:code", signedIn, s.checkinPage)
	r(http.MethodPost, "/checkin/:code", signedIn, s.checkIn)
	r(http.MethodGet, "/api/v1/courses", signedIn, s.apiCourses)
	r(http.MethodGet, "/api/v1/courses/:id", signedIn, s.apiCourse)
	r(http.MethodPost, "/api/v1/lessons/:id/progress", signedIn, s.apiReportProgress)
	r(http.MethodGet, "/api/v1/me/progress", signedIn, s.apiMyProgress)
	r(http.MethodGet, "/api/v1/me/hours", signedIn, s.apiMyHours)
	r(http.MethodGet, "/api/v1/lectures", trainer, s.apiLectures)
	r(http.MethodPost, "/api/v1/lectures", trainer, s.apiCreateLecture)
	r(http.MethodGet, "/api/v1/lectures/:id/attendees", trainer, s.apiAttendees)
	r(http.MethodPost, "/api/v1/lectures/:id/attendees", trainer, s.apiAddAttendees)
	// -- courses routes end --

	// Question bank, quizzes, attempts and results (issue 4).
	r(http.MethodGet, "/quizzes", signedIn, s.learnerQuizzes)
	r(http.MethodGet, "/quizzes/:quiz/start", signedIn, s.startPage)
	r(http.MethodPost, "/quizzes/:quiz/start", signedIn, s.startAttempt)
	r(http.MethodGet, "/attempts/:attempt", signedIn, s.attemptPage)
	r(http.MethodPost, "/attempts/:attempt/submit", signedIn, s.submitAttempt)
	r(http.MethodGet, "/my/attempts", signedIn, s.myAttempts)
	r(http.MethodGet, "/my/wrong-book", signedIn, s.wrongBook)
	r(http.MethodPost, "/my/wrong-book/practice", signedIn, s.practiseWrong)
	r(http.MethodGet, "/manage/questions", trainer, s.questionBank)
	r(http.MethodGet, "/manage/questions/new", trainer, s.newQuestionPage)
	r(http.MethodPost, "/manage/questions", trainer, s.createQuestion)
	r(http.MethodGet, "/manage/questions/import", trainer, s.questionImportPage)
	r(http.MethodPost, "/manage/questions/import/preview", trainer, s.questionImportPreview)
	r(http.MethodPost, "/manage/questions/import", trainer, s.questionImport)
	r(http.MethodGet, "/manage/questions/template", trainer, s.questionTemplate)
	r(http.MethodGet, "/manage/questions/export", trainer, s.questionExport)
	r(http.MethodGet, "/manage/questions/:question", trainer, s.editQuestionPage)
	r(http.MethodPost, "/manage/questions/:question", trainer, s.updateQuestion)
	r(http.MethodPost, "/manage/questions/:question/retire", trainer, s.retireQuestion)
	r(http.MethodPost, "/manage/categories", trainer, s.createCategory)
	r(http.MethodPost, "/manage/categories/:category", trainer, s.renameCategory)
	r(http.MethodPost, "/manage/categories/:category/delete", trainer, s.deleteCategory)
	r(http.MethodGet, "/manage/quizzes", signedIn, s.manageQuizzes) // trainers; managers see results links
	r(http.MethodGet, "/manage/quizzes/new", trainer, s.newQuizPage)
	r(http.MethodPost, "/manage/quizzes", trainer, s.createQuiz)
	r(http.MethodGet, "/manage/quizzes/:quiz", trainer, s.editQuizPage)
	r(http.MethodPost, "/manage/quizzes/:quiz", trainer, s.updateQuiz)
	r(http.MethodPost, "/manage/quizzes/:quiz/status", trainer, s.setQuizStatus)
	r(http.MethodGet, "/manage/quizzes/:quiz/results", signedIn, s.quizResults) // trainers; managers: their units
	r(http.MethodGet, "/manage/quizzes/:quiz/results.xlsx", signedIn, s.quizResultsExport)
	r(http.MethodGet, "/manage/quizzes/:quiz/statistics", trainer, s.quizStatistics)
	r(http.MethodGet, "/manage/quizzes/:quiz/grading", trainer, s.quizGrading)
	r(http.MethodPost, "/manage/quizzes/:quiz/grading", trainer, s.gradeAnswer)
	r(http.MethodGet, "/manage/quizzes/:quiz/ranking", trainer, s.quizRanking)
	r(http.MethodGet, "/manage/attempts/:attempt", trainer, s.trainerAttempt)
	r(http.MethodGet, "/api/v1/quizzes", signedIn, s.apiQuizzes)
	r(http.MethodGet, "/api/v1/quizzes/:quiz", signedIn, s.apiQuiz)
	r(http.MethodPost, "/api/v1/quizzes/:quiz/attempts", signedIn, s.apiStartAttempt)
	r(http.MethodGet, "/api/v1/attempts/:attempt", signedIn, s.apiAttempt)
	r(http.MethodPost, "/api/v1/attempts/:attempt/answers", signedIn, s.apiSaveAnswer)
	r(http.MethodPost, "/api/v1/attempts/:attempt/submit", signedIn, s.apiSubmitAttempt)
	r(http.MethodGet, "/api/v1/my/attempts", signedIn, s.apiMyAttempts)
	r(http.MethodGet, "/api/v1/questions", trainer, s.apiQuestions)
	r(http.MethodGet, "/api/v1/questions/:question", trainer, s.apiQuestion)
	r(http.MethodPost, "/api/v1/questions", trainer, s.apiCreateQuestion)
	r(http.MethodPost, "/api/v1/questions/import", trainer, s.apiImportQuestions)
	// -- quizzes routes end --

	// Programs, enrollment, completion, notifications and scheduled checks (issue 5).
	r(http.MethodGet, "/programs", signedIn, s.programsPage) // learners: the programs they are enrolled in
	r(http.MethodGet, "/programs/new", trainer, s.newProgramPage)
	r(http.MethodPost, "/programs", trainer, s.createProgram)
	r(http.MethodGet, "/programs/:program", signedIn, s.programPage) // managers: their units; learners: their progress
	r(http.MethodGet, "/programs/:program/edit", trainer, s.editProgramPage)
	r(http.MethodPost, "/programs/:program", trainer, s.updateProgram)
	r(http.MethodPost, "/programs/:program/status", trainer, s.setProgramStatus)
	r(http.MethodPost, "/programs/:program/delete", trainer, s.deleteProgram)
	r(http.MethodPost, "/programs/:program/remind", manager, s.remindPeople)
	r(http.MethodPost, "/enrollments/:enrollment/exempt", manager, s.exemptEnrollment)
	r(http.MethodPost, "/enrollments/:enrollment/unexempt", manager, s.unexemptEnrollment)
	r(http.MethodGet, "/inbox", signedIn, s.inboxPage)
	r(http.MethodPost, "/inbox/read-all", signedIn, s.markAllRead)
	r(http.MethodPost, "/inbox/:notification/read", signedIn, s.markRead)
	r(http.MethodGet, "/admin/jobs", admin, s.jobsPage)
	r(http.MethodPost, "/admin/jobs/:job/run", admin, s.runJob)
	r(http.MethodGet, "/api/v1/programs", signedIn, s.apiPrograms)
	r(http.MethodGet, "/api/v1/programs/:program", signedIn, s.apiProgram)
	r(http.MethodGet, "/api/v1/programs/:program/enrollments", manager, s.apiEnrollments)
	r(http.MethodGet, "/api/v1/programs/:program/completion", manager, s.apiCompletion)
	r(http.MethodPost, "/api/v1/programs/:program/remind", manager, s.apiRemind)
	r(http.MethodPost, "/api/v1/enrollments/:enrollment/exempt", manager, s.apiExempt)
	r(http.MethodPost, "/api/v1/enrollments/:enrollment/unexempt", manager, s.apiUnexempt)
	r(http.MethodGet, "/api/v1/my/programs", signedIn, s.apiMyPrograms)
	// -- training routes end --

	// Certificates and their public verification (issue 6).
	r(http.MethodGet, "/certificates", signedIn, s.myCertificatesPage)
	r(http.MethodGet, "/certificates/:certificate/pdf", signedIn, s.certificatePDF) // holder or manager in scope
	r(http.MethodGet, "/manage/certificates", manager, s.manageCertificatesPage)
	r(http.MethodGet, "/manage/certificates/zip", manager, s.certificatesZIP)
	r(http.MethodGet, "/manage/certificates/new", admin, s.issueCertificatePage)
	r(http.MethodPost, "/manage/certificates", admin, s.issueCertificate)
	r(http.MethodPost, "/manage/certificates/seal", admin, s.uploadSeal)
	r(http.MethodGet, "/manage/certificates/seal.png", admin, s.sealImage)
	r(http.MethodPost, "/manage/certificates/render", admin, s.renderPendingCertificates)
	r(http.MethodGet, "/manage/certificates/:certificate", manager, s.certificatePage)
	r(http.MethodPost, "/manage/certificates/:certificate/revoke", admin, s.revokeCertificate)
	r(http.MethodPost, "/manage/certificates/:certificate/reissue", admin, s.reissueCertificate)
	r(http.MethodGet, "/programs/:program/certificate-preview", trainer, s.certificatePreview)
	r(http.MethodGet, "/verify", public, s.verifyForm)
	r(http.MethodGet, "/verify/check", public, s.checkPDFPage)
	r(http.MethodPost, "/verify/check", public, s.checkPDF)
	r(http.MethodGet, "/verify/:verification", public, s.verifyPage) // also /verify/<code>.json
	r(http.MethodGet, "/api/v1/my/certificates", signedIn, s.apiMyCertificates)
	r(http.MethodGet, "/api/v1/certificates", manager, s.apiCertificates)
	r(http.MethodGet, "/api/v1/certificates/:certificate", signedIn, s.apiCertificate) // holder or manager in scope
	r(http.MethodPost, "/api/v1/certificates/:certificate/revoke", admin, s.apiRevokeCertificate)
	r(http.MethodGet, "/api/v1/verify/:verification", public, s.apiVerify)
	// -- certificates routes end --

	// Dashboards, rankings, study records and exports (issue 7).
	r(http.MethodGet, "/dashboard", manager, s.dashboardPage) // managers: their subtree; administrators: all
	r(http.MethodGet, "/dashboard/rankings", manager, s.rankingsPage)
	r(http.MethodGet, "/dashboard/export", manager, s.exportCompletion) // ?format=xlsx|csv&program=&unit=
	r(http.MethodGet, "/dashboard/report.pdf", manager, s.completionReportPDF)
	r(http.MethodGet, "/people/:person/record", manager, s.personRecordPage)
	r(http.MethodGet, "/people/:person/record.pdf", manager, s.personRecordPDF)
	r(http.MethodGet, "/my/record", signedIn, s.myRecordPage)
	r(http.MethodGet, "/my/record.pdf", signedIn, s.myRecordPDF)
	r(http.MethodGet, "/api/v1/dashboard", manager, s.apiDashboard)
	r(http.MethodGet, "/api/v1/programs/:program/ranking", manager, s.apiRanking)
	// -- reports routes end --

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// staticHandler serves embedded files with a day of caching; their names change when they change.
func staticHandler(fsys fs.FS) http.Handler {
	fileServer := http.FileServer(http.FS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
}
