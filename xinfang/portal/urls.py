from django.urls import path

from . import reception_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/", views.submitted, name="submitted"),
    path("submit/categories/", views.categories, name="categories"),
    path("submit/divisions/", views.divisions, name="divisions"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/", views.case_detail, name="case"),
    path("track/<str:number>/rate/", views.rate, name="rate"),
    path("track/<str:number>/review/", views.review, name="review"),
    path("track/<str:number>/move/<str:move>/", views.move, name="move"),
    path("track/<str:number>/notices/<int:notice_id>/", views.notice, name="notice"),
    path("track/<str:number>/forget/", views.forget, name="forget"),
    path("track/<str:number>/material/", views.material, name="material"),
    path("board/", views.board, name="board"),
    path("board/<str:number>/", views.board_case, name="board_case"),
    path("reception/", reception_views.calendar, name="reception"),
    path("reception/<int:day_id>/book/", reception_views.book, name="reception_book"),
    path("reception/mine/", reception_views.booked, name="reception_booked"),
    path(
        "reception/mine/<int:appointment_id>/cancel/",
        reception_views.cancel,
        name="reception_cancel",
    ),
]
