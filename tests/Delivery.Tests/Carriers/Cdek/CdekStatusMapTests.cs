using Marketplace.Delivery.Carriers.Cdek;
using Marketplace.Delivery.Contracts;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

public sealed class CdekStatusMapTests
{
    [Theory]
    [InlineData("ACCEPTED", ShipmentStatus.LabelCreated)]
    [InlineData("CREATED", ShipmentStatus.LabelCreated)]
    [InlineData("RECEIVED_AT_SHIPMENT_WAREHOUSE", ShipmentStatus.HandedOver)]
    [InlineData("READY_FOR_SHIPMENT_IN_SENDER_CITY", ShipmentStatus.InTransit)]
    [InlineData("RETURNED_TO_SENDER_CITY_WAREHOUSE", ShipmentStatus.InTransit)]
    [InlineData("TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY", ShipmentStatus.InTransit)]
    [InlineData("SENT_TO_TRANSIT_CITY", ShipmentStatus.InTransit)]
    [InlineData("ACCEPTED_IN_TRANSIT_CITY", ShipmentStatus.InTransit)]
    [InlineData("ACCEPTED_AT_TRANSIT_WAREHOUSE", ShipmentStatus.InTransit)]
    [InlineData("RETURNED_TO_TRANSIT_WAREHOUSE", ShipmentStatus.InTransit)]
    [InlineData("READY_FOR_SHIPMENT_IN_TRANSIT_CITY", ShipmentStatus.InTransit)]
    [InlineData("TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY", ShipmentStatus.InTransit)]
    [InlineData("SENT_TO_RECIPIENT_CITY", ShipmentStatus.InTransit)]
    [InlineData("ACCEPTED_IN_RECIPIENT_CITY", ShipmentStatus.InTransit)]
    [InlineData("ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE", ShipmentStatus.InTransit)]
    [InlineData("IN_CUSTOMS_INTERNATIONAL", ShipmentStatus.InTransit)]
    [InlineData("SHIPPED_TO_DESTINATION", ShipmentStatus.InTransit)]
    [InlineData("PASSED_TO_TRANSIT_CARRIER", ShipmentStatus.InTransit)]
    [InlineData("IN_CUSTOMS_LOCAL", ShipmentStatus.InTransit)]
    [InlineData("CUSTOMS_COMPLETE", ShipmentStatus.InTransit)]
    [InlineData("ACCEPTED_AT_PICK_UP_POINT", ShipmentStatus.AtPickupPoint)]
    [InlineData("POSTOMAT_POSTED", ShipmentStatus.AtPickupPoint)]
    [InlineData("TAKEN_BY_COURIER", ShipmentStatus.OutForDelivery)]
    [InlineData("DELIVERED", ShipmentStatus.Delivered)]
    [InlineData("POSTOMAT_RECEIVED", ShipmentStatus.Delivered)]
    [InlineData("RETURNED_TO_RECIPIENT_CITY_WAREHOUSE", ShipmentStatus.FailedAttempt)]
    [InlineData("NOT_DELIVERED", ShipmentStatus.FailedAttempt)]
    [InlineData("POSTOMAT_SEIZED", ShipmentStatus.FailedAttempt)]
    [InlineData("SENT_TO_SENDER_CITY", ShipmentStatus.Returned)]
    [InlineData("ACCEPTED_IN_SENDER_CITY", ShipmentStatus.Returned)]
    [InlineData("REMOVED", ShipmentStatus.Cancelled)]
    public void A_CDEK_status_code_maps_to_its_normalised_status(string code, ShipmentStatus expected) =>
        Assert.Equal(expected, CdekStatusMap.Normalise(code));

    [Fact]
    public void Every_row_of_the_table_has_a_test_row()
    {
        var tested = typeof(CdekStatusMapTests).GetMethod(nameof(A_CDEK_status_code_maps_to_its_normalised_status))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]);
        Assert.Equal(CdekStatusMap.Table.Keys.Order(), tested.Order());
    }

    [Fact]
    public void An_unknown_code_maps_to_nothing() => Assert.Null(CdekStatusMap.Normalise("SOMETHING_NEW"));
}
