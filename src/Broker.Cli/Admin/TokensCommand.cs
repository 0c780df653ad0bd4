using System.CommandLine;
using Broker.Cli.Admin.Api;

namespace Broker.Cli.Admin;

/// <summary><c>admin tokens list|create|revoke</c>: the signed-in user's personal access tokens.</summary>
internal static class TokensCommand
{
    public static Command Create(AdminContext context) => new("tokens", "Your personal access tokens for the REST API.")
    {
        List(context),
        CreateToken(context),
        Revoke(context),
    };

    /// <summary><c>--scope</c>, repeatable: read, write or admin.</summary>
    public static Option<string[]> ScopeOption(params string[] defaultScopes)
    {
        var scope = new Option<string[]>("--scope") { Description = $"A scope of the token: read, write or admin; repeat for several (default {string.Join(' ', defaultScopes)}).", DefaultValueFactory = _ => defaultScopes };
        scope.AcceptOnlyFromAmong("read", "write", "admin");
        return scope;
    }

    public static Option<int> ValidDaysOption() => new("--valid-days") { Description = "Days the token stays valid, 1 to 365 (default 90).", DefaultValueFactory = _ => 90 };

    private static Command List(AdminContext context)
    {
        var command = new Command("list", "List your tokens, revoked ones included (never their secrets).");
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var reply = await client.ListTokensAsync(cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, tokens => output.WriteTableAsync(
                ["ID", "NAME", "SCOPES", "CREATED", "EXPIRES", "REVOKED"],
                tokens.Select(token => new[] { token.Id, token.Name, string.Join(',', token.Scopes), Formats.Time(token.CreatedAt), Formats.Time(token.ExpiresAt), Formats.Time(token.RevokedAt) }))).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateToken(AdminContext context)
    {
        var name = new Option<string>("--name") { Description = "What the token is for.", Required = true };
        var scope = ScopeOption("read");
        var validDays = ValidDaysOption();
        var command = new Command("create", "Create a token; its secret is shown once.") { name, scope, validDays };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            var output = context.Output(parseResult);
            var request = new TokenRequest(parseResult.GetRequiredValue(name), [.. parseResult.GetRequiredValue(scope)], parseResult.GetValue(validDays));
            var reply = await client.CreateTokenAsync(request, cancellationToken).ConfigureAwait(false);
            await output.PrintAsync(reply, token => output.WriteLineAsync($"token {token.Name} ({token.Id}, expires {Formats.Time(token.ExpiresAt)}; shown once): {token.Token}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(AdminContext context)
    {
        var id = new Argument<string>("TOKEN") { Description = "The token's id as 'tokens list' shows it." };
        var command = new Command("revoke", "Revoke one of your tokens.") { id };
        AdminAction.SetWithClient(command, context, async (client, parseResult, cancellationToken) =>
        {
            await client.RevokeTokenAsync(parseResult.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            var output = context.Output(parseResult);
            if (!output.Json)
            {
                await output.WriteLineAsync($"revoked token {parseResult.GetRequiredValue(id)}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
