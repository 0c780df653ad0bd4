using System.CommandLine;
using Broker.Cli.Admin.Api;
using Broker.Contracts.Tls;

namespace Broker.Cli.Admin;

/// <summary>
/// What every admin command shares: the environment and the options <c>--server</c>,
/// <c>--token</c> and <c>--json</c>, which are given on <c>admin</c> and apply to all its commands.
/// </summary>
internal sealed class AdminContext(CliEnvironment environment)
{
    public const string ServerVariable = "BROKER_SERVER";

    public const string TokenVariable = "BROKER_TOKEN";

    public CliEnvironment Environment { get; } = environment;

    public Option<string> Server { get; } = new("--server") { Description = $"The broker's address (default: ${ServerVariable}, else the one stored by 'admin login').", Recursive = true };

    public Option<string> Token { get; } = new("--token") { Description = $"A personal access token (default: ${TokenVariable}, else the one stored by 'admin login').", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the API's JSON instead of text.", Recursive = true };

    public AdminConfigFile ConfigFile => AdminConfigFile.Locate(Environment.Admin);

    public AdminOutput Output(ParseResult parseResult) => new(Environment.Out, parseResult.GetValue(Json), Environment.Admin.OutputIsTerminal);

    /// <summary>A client without credentials for the server given or stored; with <paramref name="pin"/>, trusting exactly that TLS certificate.</summary>
    public BrokerApiClient Anonymous(Uri server, CertificatePin? pin = null)
    {
        var handler = Environment.Admin.CreateHandler();
        if (pin is not null && handler is SocketsHttpHandler sockets)
        {
            _ = pin.Apply(sockets);
        }

        return new(server, handler);
    }

    /// <summary>The certificate pin stored by <c>admin login</c> for <paramref name="server"/>; null when none is.</summary>
    public static CertificatePin? StoredPin(AdminConfig? stored, Uri server) =>
        stored is not null && ParseServer(stored.Server) == server ? CertificatePin.ParseOptional(stored.BrokerCertificate) : null;

    /// <summary>
    /// A client for the server and token in effect: an option beats its environment variable, which
    /// beats the stored login; a stored token is only ever sent to the server it was made for.
    /// </summary>
    public async Task<BrokerApiClient> ConnectAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stored = await ConfigFile.ReadAsync(cancellationToken).ConfigureAwait(false);
        var server = ServerUri(parseResult, stored?.Server)
            ?? throw new UsageException($"no broker given: run 'brokerctl admin login --server URL --user NAME', or give --server or ${ServerVariable}.");
        var token = Given(parseResult.GetValue(Token)) ?? Given(Environment.Admin.GetVariable(TokenVariable))
            ?? (stored is not null && ParseServer(stored.Server) == server ? stored.Token : null)
            ?? throw new UsageException($"no token for {server}: run 'brokerctl admin login', or give --token or ${TokenVariable}.");
        var client = Anonymous(server, StoredPin(stored, server));
        client.UseToken(token);
        return client;
    }

    /// <summary>The server named by <c>--server</c>, <c>BROKER_SERVER</c> or else <paramref name="fallback"/>; null when none is.</summary>
    public Uri? ServerUri(ParseResult parseResult, string? fallback) =>
        (Given(parseResult.GetValue(Server)) ?? Given(Environment.Admin.GetVariable(ServerVariable)) ?? fallback) is { } address ? ParseServer(address) : null;

    private static Uri ParseServer(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Query)
            ? new Uri(uri.AbsoluteUri.TrimEnd('/') + "/")
            : throw new UsageException($"'{address}' is not a broker address: expected http(s)://host[:port][/path].");

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
