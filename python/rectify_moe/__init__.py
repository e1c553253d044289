"""Rectify's routing as a PyTorch MoE layer: top-k with capacity, IR and FR (routing-spec.md)."""

from .config import DROP_POLICIES, MODES, RouteConfig, capacity
from .figures import figures_from_counts, local_counts
from .layer import FFN, RectifyMoE
from .routing import Routing, route
from .weights import combination_weights

__all__ = ["RectifyMoE", "FFN", "RouteConfig", "Routing", "route", "combination_weights", "capacity",
           "local_counts", "figures_from_counts", "MODES", "DROP_POLICIES"]
