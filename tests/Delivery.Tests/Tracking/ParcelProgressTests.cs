using Marketplace.Delivery.Carriers.Cdek;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Tracking;

namespace Marketplace.Delivery.Tests.Tracking;

public sealed class ParcelProgressTests
{
    [Theory]
    [InlineData(new[] { ShipmentStatus.HandedOver, ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered }, ShipmentStatus.Delivered)]
    [InlineData(new[] { ShipmentStatus.HandedOver, ShipmentStatus.Delivered, ShipmentStatus.InTransit }, ShipmentStatus.Delivered)]
    [InlineData(new[] { ShipmentStatus.InTransit, ShipmentStatus.HandedOver }, ShipmentStatus.InTransit)]
    [InlineData(new[] { ShipmentStatus.InTransit, ShipmentStatus.FailedAttempt, ShipmentStatus.OutForDelivery }, ShipmentStatus.OutForDelivery)]
    [InlineData(new[] { ShipmentStatus.InTransit, ShipmentStatus.Returned, ShipmentStatus.Delivered }, ShipmentStatus.Returned)]
    [InlineData(new[] { ShipmentStatus.Cancelled, ShipmentStatus.HandedOver }, ShipmentStatus.Cancelled)]
    [InlineData(new ShipmentStatus[0], ShipmentStatus.LabelCreated)]
    public void A_parcels_status_is_its_events_in_time_order_taken_only_where_they_are_moves(ShipmentStatus[] inTimeOrder, ShipmentStatus expected) =>
        Assert.Equal(expected, ParcelProgress.Fold(inTimeOrder));

    [Theory]
    [InlineData(null, true)]
    [InlineData("abcdefghijABCDEFGHIJ0123456789xy", true)]
    [InlineData("abcdefghijABCDEFGHIJ0123456789x", false)]
    [InlineData("abcdefghijABCDEFGHIJ0123456789x/", false)]
    public void The_webhook_secret_is_unset_or_at_least_32_letters_and_digits(string? secret, bool valid) =>
        Assert.Equal(valid, new CdekOptions { BaseUrl = new Uri("https://api.edu.cdek.ru/v2"), ClientId = "id", ClientSecret = "secret", WebhookSecret = secret }.IsValid);
}
