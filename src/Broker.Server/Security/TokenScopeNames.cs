using Broker.Core.Access;

namespace Broker.Server.Security;

/// <summary>The wire names of <see cref="TokenScopes"/>: <c>read</c>, <c>write</c>, <c>admin</c>.</summary>
internal static class TokenScopeNames
{
    private static readonly (TokenScopes Scope, string Name)[] Names =
        [(TokenScopes.Read, "read"), (TokenScopes.Write, "write"), (TokenScopes.Admin, "admin")];

    /// <summary>The names of the scopes in <paramref name="scopes"/>.</summary>
    public static IEnumerable<string> Of(TokenScopes scopes) =>
        Names.Where(pair => scopes.HasFlag(pair.Scope)).Select(pair => pair.Name);

    /// <summary>The scopes named, or null when a name is unknown or none is given.</summary>
    public static TokenScopes? Parse(IEnumerable<string>? names)
    {
        var scopes = TokenScopes.None;
        foreach (var name in names ?? [])
        {
            var match = Names.FirstOrDefault(pair => string.Equals(pair.Name, name, StringComparison.Ordinal));
            if (match.Name is null)
            {
                return null;
            }

            scopes |= match.Scope;
        }

        return scopes == TokenScopes.None ? null : scopes;
    }
}
