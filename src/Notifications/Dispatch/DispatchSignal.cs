namespace Marketplace.Notifications.Dispatch;

/// <summary>
/// Wakes this replica's dispatcher when a delivery has just been committed here (an order event fanned out, a test event
/// or a redelivery asked for), so it leaves at once rather than at the next <c>DispatchInterval</c> tick. Deliveries that
/// another replica recorded, and retries that come due, are still found by the tick.
/// </summary>
internal sealed class DispatchSignal : IDisposable
{
    private readonly SemaphoreSlim _due = new(0, 1);

    /// <summary>Call after the save that recorded the delivery: the dispatcher must find it when it looks.</summary>
    public void Wake()
    {
        // One pending wake-up is enough however many deliveries came in: the round that follows claims them all.
        if (_due.CurrentCount == 0)
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller released it between the check and here: the dispatcher is woken either way.
            }
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _due.WaitAsync(cancellationToken);

    public void Dispose() => _due.Dispose();
}
