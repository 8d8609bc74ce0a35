def test_home_shows_staff_the_way_to_the_year_overview(staff_client):
    response = staff_client.get("/")
    assert response.status_code == 200
    assert 'href="/blocs/years/"' in response.content.decode()


def test_home_links_a_bloc_head_to_their_bloc_year(head_client, bloc_year):
    response = head_client.get("/")
    assert response.status_code == 200
    assert f'href="/blocs/bloc-years/{bloc_year.pk}/"' in response.content.decode()
