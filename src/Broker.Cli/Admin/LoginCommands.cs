using System.CommandLine;
using System.Net;
using Broker.Cli.Admin.Api;
using Broker.Contracts.Tls;

namespace Broker.Cli.Admin;

/// <summary>
/// <c>admin login</c>: sign in with a password (or take a token given with <c>--token</c>), create a
/// personal access token and store server and token in the config file (0600); <c>admin logout</c>:
/// revoke that token and forget it.
/// </summary>
internal static class LoginCommands
{
    public static Command Login(AdminContext context)
    {
        var user = new Option<string>("--user") { Description = "Your user name (not needed with --token)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        var scope = TokensCommand.ScopeOption("read", "write", "admin");
        var validDays = TokensCommand.ValidDaysOption();
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Trust exactly the broker TLS certificate with this SHA-256 fingerprint (SHA256:…), e.g. a self-signed one; stored with the token." };
        var command = new Command("login", "Sign in to a broker and store a personal access token for later commands.") { user, passwordStdin, scope, validDays, fingerprint };
        AdminAction.Set(command, context, async (parseResult, cancellationToken) =>
        {
            var configFile = context.ConfigFile;
            var stored = await configFile.ReadAsync(cancellationToken).ConfigureAwait(false);
            var server = context.ServerUri(parseResult, stored?.Server)
                ?? throw new UsageException($"give --server URL (or ${AdminContext.ServerVariable}).");
            var pinText = parseResult.GetValue(fingerprint);
            var pin = pinText is null ? null
                : CertificatePin.TryParse(pinText, out var parsed) ? parsed
                : throw new UsageException($"'{pinText}' is no certificate fingerprint: give SHA256: and 64 hex digits (colons allowed), as 'openssl x509 -noout -fingerprint -sha256' prints.");
            using var client = context.Anonymous(server, pin);
            AdminConfig config;
            if ((parseResult.GetValue(context.Token) ?? context.Environment.Admin.GetVariable(AdminContext.TokenVariable)) is { Length: > 0 } token)
            {
                client.UseToken(token);
                await client.ListImagesAsync(cancellationToken).ConfigureAwait(false); // proves the token works before it is stored
                config = new AdminConfig(server.AbsoluteUri, token, TokenId: null, User: null);
            }
            else
            {
                var userName = parseResult.GetValue(user) ?? throw new UsageException("give --user NAME (or --token TOKEN).");
                await client.SignInAsync(userName, ReadPassword(context.Environment.Admin, parseResult.GetValue(passwordStdin)), cancellationToken).ConfigureAwait(false);
                var request = new TokenRequest($"brokerctl on {Environment.MachineName}", [.. parseResult.GetRequiredValue(scope)], parseResult.GetValue(validDays));
                var created = (await client.CreateTokenAsync(request, cancellationToken).ConfigureAwait(false)).Value;
                config = new AdminConfig(
                    server.AbsoluteUri,
                    created.Token ?? throw new BrokerUnreachableException($"{server} created a token but did not return its secret."),
                    created.Id,
                    userName);
            }

            await configFile.WriteAsync(config with { BrokerCertificate = pin?.ToString() }, cancellationToken).ConfigureAwait(false);
            await context.Environment.Out.WriteLineAsync($"logged in to {server}{(config.User is null ? string.Empty : $" as {config.User}")}; token stored in {configFile.Path}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Logout(AdminContext context)
    {
        var command = new Command("logout", "Revoke the stored token on the broker and forget it.");
        AdminAction.Set(command, context, async (_, cancellationToken) =>
        {
            var configFile = context.ConfigFile;
            if (await configFile.ReadAsync(cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                await context.Environment.Out.WriteLineAsync("not logged in").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var revoked = stored.TokenId is null || await TryRevokeAsync(context, stored, cancellationToken).ConfigureAwait(false);
            configFile.Delete();
            await context.Environment.Out.WriteLineAsync($"logged out of {stored.Server}").ConfigureAwait(false);
            return revoked ? ExitCodes.Success : ExitCodes.ProblemFound;
        });
        return command;
    }

    /// <summary>Revokes the stored token; a token the broker no longer accepts counts as revoked. False (with a message) when the broker could not be asked.</summary>
    private static async Task<bool> TryRevokeAsync(AdminContext context, AdminConfig stored, CancellationToken cancellationToken)
    {
        var server = new Uri(stored.Server);
        using var client = context.Anonymous(server, AdminContext.StoredPin(stored, server));
        client.UseToken(stored.Token);
        try
        {
            await client.RevokeTokenAsync(stored.TokenId!, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ApiRefusedException refused) when (refused.Status is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (Exception exception) when (exception is ApiRefusedException or BrokerUnreachableException)
        {
            await context.Environment.Error.WriteLineAsync($"brokerctl: could not revoke the token on the broker ({exception.Message}); revoke it in the portal. The local login is removed.").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The password from standard input's first line, or asked on the terminal.</summary>
    internal static string ReadPassword(AdminEnvironment environment, bool fromStdin)
    {
        var password = fromStdin
            ? environment.Input.ReadLine()
            : environment.AskSecret("Password:") ?? throw new UsageException("no terminal to ask for the password: give --password-stdin.");
        return string.IsNullOrEmpty(password) ? throw new UsageException("the password is empty.") : password;
    }
}
