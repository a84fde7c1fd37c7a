using Marketplace.Delivery.Contracts;

namespace Marketplace.Delivery.Tests.Carriers;

public sealed class ShipmentStatusesTests
{
    [Theory]
    [InlineData(ShipmentStatus.LabelCreated, ShipmentStatus.HandedOver, true)]
    [InlineData(ShipmentStatus.HandedOver, ShipmentStatus.InTransit, true)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.AtPickupPoint, true)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery, true)]
    [InlineData(ShipmentStatus.LabelCreated, ShipmentStatus.Delivered, true)]
    [InlineData(ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered, true)]
    [InlineData(ShipmentStatus.LabelCreated, ShipmentStatus.Cancelled, true)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.HandedOver, false)]
    [InlineData(ShipmentStatus.OutForDelivery, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.Delivered, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.HandedOver, ShipmentStatus.Cancelled, false)]
    [InlineData(ShipmentStatus.Cancelled, ShipmentStatus.LabelCreated, false)]
    [InlineData(ShipmentStatus.Delivered, ShipmentStatus.Returned, false)]
    [InlineData(ShipmentStatus.Delivered, ShipmentStatus.FailedAttempt, false)]
    public void Status_moves_only_forward(ShipmentStatus from, ShipmentStatus to, bool allowed) => Assert.Equal(allowed, ShipmentStatuses.CanMove(from, to));

    [Theory]
    [InlineData(ShipmentStatus.OutForDelivery, ShipmentStatus.FailedAttempt, true)]
    [InlineData(ShipmentStatus.AtPickupPoint, ShipmentStatus.FailedAttempt, true)]
    [InlineData(ShipmentStatus.HandedOver, ShipmentStatus.FailedAttempt, true)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.OutForDelivery, true)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.InTransit, true)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.Delivered, true)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.Returned, true)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.HandedOver, false)]
    [InlineData(ShipmentStatus.FailedAttempt, ShipmentStatus.FailedAttempt, false)]
    [InlineData(ShipmentStatus.LabelCreated, ShipmentStatus.FailedAttempt, false)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.Returned, true)]
    [InlineData(ShipmentStatus.OutForDelivery, ShipmentStatus.Returned, true)]
    [InlineData(ShipmentStatus.LabelCreated, ShipmentStatus.Returned, false)]
    [InlineData(ShipmentStatus.Returned, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.Returned, ShipmentStatus.Delivered, false)]
    public void A_failed_attempt_and_a_return_are_the_exceptions(ShipmentStatus from, ShipmentStatus to, bool allowed) =>
        Assert.Equal(allowed, ShipmentStatuses.CanMove(from, to));
}
