"""The equipment list's filters read as French writes them: the 'all' choice agrees with its noun."""


def test_the_filters_all_choice_agrees_with_its_noun_in_french(web, login_as, make_item):
    make_item()
    login_as("project_officer", "Kasaï-Oriental", locale="fr")
    filters = web.get("/equipment/").get_data(as_text=True).split('class="filters"')[1].split("</form>")[0]
    firsts = [select.split("<option", 2)[1].split(">", 1)[1].split("</option>")[0]
              for select in filters.split("<select")[1:]]
    assert firsts == ["Toutes les catégories", "Toutes les communes", "Partout"]
