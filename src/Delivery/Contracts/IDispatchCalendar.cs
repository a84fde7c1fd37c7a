namespace Marketplace.Delivery.Contracts;

/// <summary>
/// The working-day calendar of the runtime rules "delivery" (working days, holidays, the cut-off and each seller's own
/// cut-off), for whoever must count dispatch days the way the quotes count them: Ordering's ship-by deadline.
/// </summary>
public interface IDispatchCalendar
{
    /// <summary>
    /// The working day a seller hands over an order placed at <paramref name="placedAt"/> whose slowest line needs
    /// <paramref name="dispatchDays"/> working days: counted, as a quote's ETA is, from the day of the order when it came
    /// before the seller's cut-off on a working day, else from the next working day.
    /// </summary>
    /// <returns>The dispatch date, in the dates of the rules' time zone.</returns>
    DateOnly DispatchDate(Guid sellerId, DateTimeOffset placedAt, int dispatchDays);
}
