namespace Marketplace.Platform.Hosting;

/// <summary>
/// A component whose state changes while the host runs (for example the runtime rules: their version, when they
/// were last applied, the last rejected change). <c>GET /api/v1/system</c> reports what each one says.
/// </summary>
public interface IComponentStatus
{
    /// <summary>The component, as named in its <see cref="ComponentAdapter"/>.</summary>
    string Component { get; }

    /// <summary>A snapshot of the component's state, serialised as JSON.</summary>
    object Report();
}
