using System.Reflection;
using MassTransit;
using Marketplace.Payments.Contracts;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>Payments' readings of Ordering's events carry Ordering's message URNs and read only fields Ordering's records have.</summary>
public sealed class OrderEventReadingTests
{
    public static TheoryData<Type, Type> Pairs() => new()
    {
        { typeof(OrderPlacedRead), typeof(Marketplace.Ordering.Contracts.OrderPlaced) },
        { typeof(OrderAcceptedRead), typeof(Marketplace.Ordering.Contracts.OrderAccepted) },
        { typeof(OrderCancelledRead), typeof(Marketplace.Ordering.Contracts.OrderCancelled) },
        { typeof(OrderDeliveredRead), typeof(Marketplace.Ordering.Contracts.OrderDelivered) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_reading_has_the_urn_and_the_field_names_and_types_of_Orderings_event(Type reading, Type ordering)
    {
        Assert.Equal(MessageUrn.ForType(ordering), MessageUrn.ForType(reading));
        AssertReads(reading, ordering);
    }

    /// <summary>
    /// Every field read is one Ordering writes, of the same type; a list of Payments' own records (the placed order's
    /// lines) reads a list of Ordering's records field by field, since Payments cannot name Ordering's types.
    /// </summary>
    private static void AssertReads(Type reading, Type ordering)
    {
        foreach (var property in reading.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
        {
            var theirs = ordering.GetProperty(property.Name);
            Assert.True(theirs is not null, $"{ordering.Name} has no {property.Name}");
            var (mine, their) = (property.PropertyType, theirs.PropertyType);
            if (mine.IsGenericType && their.IsGenericType && mine.GetGenericTypeDefinition() == their.GetGenericTypeDefinition()
                && mine.GetGenericArguments()[0].Namespace == typeof(OrderPlacedRead).Namespace)
            {
                AssertReads(mine.GetGenericArguments()[0], their.GetGenericArguments()[0]);
                continue;
            }

            Assert.Equal(mine, their);
        }
    }
}
