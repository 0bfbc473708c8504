"""The map of places (cpms.geo.maps.place_map): markers where the places are, bounded, highlighted first."""
from cpms.geo.maps import Layer, Place, place_map

LAYERS = (Layer("a", "Open", "#0b4f8a"), Layer("b", "Committees", "#d55e00", "square"))
KINSHASA = (15.31, -4.32)
LUBUMBASHI = (27.48, -11.66)


def test_markers_fall_where_the_places_are_and_the_legend_counts_them():
    drawn = place_map([Place(*KINSHASA, "Gombe", "a"), Place(*LUBUMBASHI, "Kampemba", "b"),
                       Place(*LUBUMBASHI, "Nowhere", "unknown layer")], LAYERS)
    markers = {m["title"]: m for m in drawn["markers"]}
    assert set(markers) == {"Gombe", "Kampemba"} and drawn["more"] == 1
    gombe, kampemba = markers["Gombe"], markers["Kampemba"]
    # Kinshasa is in the far west, halfway down; Lubumbashi in the south-east
    assert float(gombe["cx"]) < drawn["width"] * 0.25 and 0.4 < float(gombe["cy"]) / drawn["height"] < 0.6
    corner = [float(v) for v in kampemba["points"].split()[0].split(",")]
    assert corner[0] > drawn["width"] * 0.6 and corner[1] > drawn["height"] * 0.8 and kampemba["colour"] == "#d55e00"
    assert [(entry["label"], entry["count"]) for entry in drawn["legend"]] == [("Open", 1), ("Committees", 1)]
    assert len(drawn["shapes"]) == 26 and all(s["path"].startswith("M") for s in drawn["shapes"])


def test_the_map_is_bounded_and_says_how_many_more_there_are():
    places = [Place(20 + i / 100, -3, f"Station {i}", "a") for i in range(50)]
    places.append(Place(*KINSHASA, "Mine", "a", is_highlighted=True))
    drawn = place_map(places, LAYERS, total=400, cap=10)
    assert drawn["drawn"] == 10 and drawn["more"] == 390
    titles = [m["title"] for m in drawn["markers"]]
    assert "Mine" in titles and titles[-1] == "Mine"  # drawn last: on top
    assert drawn["label"]["text"] == "Mine" and 0 <= drawn["label"]["x"] < float(drawn["markers"][-1]["cx"])


def test_a_long_name_stays_inside_the_drawing():
    for lon in (12.5, 23.0, 31.0):  # far west, middle, far east
        drawn = place_map([Place(lon, -5, "t", "a", is_highlighted=True, name="Commissariat provincial de " + "x" * 40)],
                          LAYERS)
        label = drawn["label"]
        assert label["text"].endswith("…") and len(label["text"]) <= 32
        assert label["x"] >= 0 and label["x"] + len(label["text"]) * label["size"] * 0.62 <= drawn["width"]


def test_places_outside_the_country_frame_are_not_drawn():
    drawn = place_map([Place(2.35, 48.85, "Paris", "a")], LAYERS)
    assert drawn["markers"] == [] and drawn["more"] == 1


def test_places_at_the_same_spot_share_a_marker_that_names_them():
    places = [Place(*LUBUMBASHI, f"CLSP {i}", "b") for i in range(7)] + [Place(*LUBUMBASHI, "Kampemba", "a")]
    drawn = place_map(places, LAYERS)
    assert len(drawn["markers"]) == 2 and drawn["drawn"] == 8 and drawn["more"] == 0
    shared = next(m for m in drawn["markers"] if m["layer"] == "b")
    assert shared["count"] == 7 and shared["title"] == "CLSP 0; CLSP 1; CLSP 2; CLSP 3; CLSP 4; … (+2)"
    assert [entry["count"] for entry in drawn["legend"]] == [1, 7]


def test_markers_of_two_layers_at_one_spot_sit_side_by_side():
    """A station and the equipment it holds share a position, a committee sits at its commune's centre near the
    station: another layer's marker is drawn beside the first, not hidden under it."""
    for near in (LUBUMBASHI, (LUBUMBASHI[0] + 0.02, LUBUMBASHI[1] - 0.01)):
        drawn = place_map([Place(*LUBUMBASHI, "Kampemba", "a"), Place(*near, "Kampemba – equipment", "b")], LAYERS)
        station = next(m for m in drawn["markers"] if m["layer"] == "a")
        square = next(m for m in drawn["markers"] if m["layer"] == "b")
        xs = [float(point.split(",")[0]) for point in square["points"].split()]
        assert min(xs) > float(station["cx"]) + float(station["r"])  # the square starts right of the circle
    # far enough apart, each stays where it is
    drawn = place_map([Place(*LUBUMBASHI, "Kampemba", "a"), Place(*KINSHASA, "Gombe", "b")], LAYERS)
    square = next(m for m in drawn["markers"] if m["layer"] == "b")
    alone = place_map([Place(*KINSHASA, "Gombe", "b")], LAYERS)["markers"][0]
    assert square["points"] == alone["points"]
