"""What-if staffing analysis: scenarios on a base register, KPIs, and minimal staffing."""
