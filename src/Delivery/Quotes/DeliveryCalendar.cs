using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;

namespace Marketplace.Delivery.Quotes;

/// <summary>
/// Working days of the rules: a date is a working day when its day of the week is one of <c>workingDays</c> and it
/// is not a holiday. Dispatch and transit count working days only; dates are those of the cut-off's time zone.
/// </summary>
internal sealed class DeliveryCalendar
{
    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _holidays;
    private readonly TimeZoneInfo _zone;

    public DeliveryCalendar(DeliveryRules rules)
    {
        _workingDays = [.. rules.WorkingDays];
        _holidays = [.. rules.Holidays];
        _zone = TimeZoneInfo.FindSystemTimeZoneById(rules.CutOff.TimeZone);
    }

    public bool IsWorkingDay(DateOnly date) => _workingDays.Contains(date.DayOfWeek) && !_holidays.Contains(date);

    /// <summary>
    /// The ETA of an order placed at <paramref name="now"/>: on a working day before the cut-off the order counts from
    /// that day, else from the next working day; the seller dispatches <paramref name="dispatchDays"/> working days
    /// later; the group arrives <c>transit.min</c> to <c>transit.max</c> working days after dispatch.
    /// </summary>
    public DeliveryEta Eta(DateTimeOffset now, TimeOnly cutOff, int dispatchDays, TransitDays transit)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone).DateTime;
        var today = DateOnly.FromDateTime(local);
        var orderDay = IsWorkingDay(today) && TimeOnly.FromDateTime(local) < cutOff ? today : NextWorkingDay(today);
        var dispatch = AddWorkingDays(orderDay, dispatchDays);
        return new DeliveryEta(dispatch, AddWorkingDays(dispatch, transit.Min), AddWorkingDays(dispatch, transit.Max));
    }

    private DateOnly NextWorkingDay(DateOnly date)
    {
        // The validator guarantees a working day in every week, and holidays are finitely many: this ends.
        do
        {
            date = date.AddDays(1);
        }
        while (!IsWorkingDay(date));

        return date;
    }

    private DateOnly AddWorkingDays(DateOnly start, int days)
    {
        var date = start;
        for (var i = 0; i < days; i++)
        {
            date = NextWorkingDay(date);
        }

        return date;
    }
}
