using System.Globalization;

namespace Broker.HostAgent.Broker;

/// <summary>
/// The address the host reports for its <c>DiskTransfer</c> endpoint (client agents dial it):
/// <see cref="HostAgentOptions.TransferAdvertiseAddress"/> when set, otherwise
/// <c>http://127.0.0.1:PORT</c> on loopback or <c>http://HOSTNAME:PORT</c> with
/// <see cref="HostAgentOptions.TransferListenAny"/>, PORT being the port Kestrel actually bound.
/// </summary>
internal static class TransferAddress
{
    /// <summary>
    /// The address to advertise, given the addresses Kestrel reports after it started
    /// (<c>IServerAddressesFeature</c>) and this machine's host name; empty when nothing is configured
    /// and no bound port is known.
    /// </summary>
    public static string Advertised(HostAgentOptions options, IEnumerable<string> boundAddresses, string machineName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(boundAddresses);
        if (!string.IsNullOrEmpty(options.TransferAdvertiseAddress))
        {
            return options.TransferAdvertiseAddress;
        }

        var port = boundAddresses
            .Select(address => Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Port : 0)
            .FirstOrDefault(port => port > 0);
        if (port == 0)
        {
            return string.Empty;
        }

        var host = options.TransferListenAny ? machineName : "127.0.0.1";
        return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}");
    }

    /// <summary>True when <paramref name="text"/> is what the broker accepts: an absolute http or https URL without user info, query or fragment.</summary>
    public static bool IsValid(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0;
}
