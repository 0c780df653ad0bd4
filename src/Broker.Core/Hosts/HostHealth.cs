namespace Broker.Core.Hosts;

/// <summary>A host's health as the broker last judged it.</summary>
public enum HostHealth
{
    /// <summary>Not heard from within the allowed number of heartbeats (also the state of a newly enrolled host).</summary>
    Offline,

    /// <summary>Reporting and fit to run desktops.</summary>
    Healthy,

    /// <summary>Reporting, but says it cannot take new desktops (e.g. disk nearly full).</summary>
    Unhealthy,
}
