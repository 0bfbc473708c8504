"""Equipment rules and writes (flush, never commit): items, deliveries and condition checks (items.py), life after
delivery – maintenance, losses, transfers, disposal (life.py) –, photos (photos.py), the aggregates that viewers
see (figures.py) and what each station holds, for the station's page and the area maps (places.py)."""
from cpms.equipment.service.figures import equipment_figures  # noqa: F401
from cpms.equipment.service.items import (  # noqa: F401
    FIGURE_READERS,
    MANAGERS,
    MAX_DELIVERY_ITEMS,
    MAX_RECIPIENTS,
    READERS,
    can_see_delivery,
    can_see_item,
    create_item,
    delivery_items,
    delivery_recipients,
    item_checks,
    item_label,
    latest_checks,
    parse_matricules,
    record_check,
    record_delivery,
    refuse_disposed,
    stock_choices,
    trained_officers,
    update_item,
    visible_deliveries,
    visible_items,
)
from cpms.equipment.service.life import (  # noqa: F401
    can_see_loss,
    close_loss,
    dispose_item,
    item_losses,
    item_maintenance,
    item_transfers,
    open_losses,
    record_maintenance,
    record_transfer,
    report_loss,
    station_items,
    transfer_choices,
)
from cpms.equipment.service.photos import (  # noqa: F401
    MAX_PHOTOS,
    add_photo,
    check_photos,
    delivery_photos,
    photo_files,
    remove_photo,
)
from cpms.equipment.service.places import equipment_layer, station_summary  # noqa: F401
