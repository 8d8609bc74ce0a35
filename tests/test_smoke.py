def test_home_redirects_staff_to_the_year_overview(staff_client):
    response = staff_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/blocs/years/"


def test_home_sends_a_bloc_head_to_their_bloc_year(head_client, bloc_year):
    response = head_client.get("/")
    assert response["Location"] == f"/blocs/bloc-years/{bloc_year.pk}/"
