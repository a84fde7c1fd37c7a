using System.Reflection;
using MassTransit;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>
/// Checks a module's reading of another module's event: a record declared under the writer's message URN, because the
/// reader cannot reference the writer's contracts, must carry that URN and read only fields the writer's record has.
/// </summary>
public static class ContractReadings
{
    /// <summary>
    /// <paramref name="reading"/> has <paramref name="writing"/>'s URN, and every field it reads is one the writer has, of
    /// the same type; a list of the reader's own records (an event's lines) reads a list of the writer's field by field.
    /// </summary>
    public static void AssertReads(Type reading, Type writing)
    {
        Assert.Equal(MessageUrn.ForType(writing), MessageUrn.ForType(reading));
        AssertFields(reading, writing, reading.Namespace);
    }

    private static void AssertFields(Type reading, Type writing, string? readerNamespace)
    {
        foreach (var property in reading.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
        {
            var theirs = writing.GetProperty(property.Name);
            Assert.True(theirs is not null, $"{writing.Name} has no {property.Name}");
            var (mine, their) = (property.PropertyType, theirs.PropertyType);
            if (mine.IsGenericType && their.IsGenericType && mine.GetGenericTypeDefinition() == their.GetGenericTypeDefinition()
                && mine.GetGenericArguments()[0].Namespace == readerNamespace)
            {
                AssertFields(mine.GetGenericArguments()[0], their.GetGenericArguments()[0], readerNamespace);
                continue;
            }

            Assert.Equal(mine, their);
        }
    }
}
