using System.Reflection;
using MassTransit;

namespace Marketplace.Platform.Messaging;

/// <summary>
/// On RabbitMQ, names the exchange of a message type that declares its URN (<see cref="MessageUrnAttribute"/>) after
/// that URN, "Namespace:Type", as RabbitMQ's formatter names every other type by its own namespace and name: a module
/// that cannot reference a publisher's contract (the publisher references it) declares the fields it reads under the
/// publisher's URN, and receives its events. (The in-memory transport names exchanges by URN already.)
/// </summary>
internal sealed class DeclaredUrnEntityNameFormatter(IEntityNameFormatter inner) : IEntityNameFormatter
{
    public string FormatEntityName<T>() =>
        typeof(T).GetCustomAttribute<MessageUrnAttribute>() is { } declared
        && declared.Urn.ToString() is var urn
        && urn.StartsWith(MessageUrn.Prefix, StringComparison.Ordinal)
            ? urn[MessageUrn.Prefix.Length..]
            : inner.FormatEntityName<T>();
}
