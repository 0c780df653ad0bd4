namespace Broker.Persistence.Desktops;

/// <summary>Read-side queries over desktops that the domain's <see cref="Broker.Core.Desktops.IDesktopStore"/> port does not need.</summary>
public interface IDesktopQueries
{
    /// <summary>The desktops matching <paramref name="filter"/>, one page of them.</summary>
    Task<DesktopPage> ListAsync(DesktopFilter filter, CancellationToken cancellationToken);
}
