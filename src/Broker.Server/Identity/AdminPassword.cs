using System.Security.Cryptography;

namespace Broker.Server.Identity;

/// <summary>Random passwords for accounts the broker creates itself.</summary>
internal static class AdminPassword
{
    /// <summary>Letters and digits that cannot be mistaken for each other, and a few symbols that need no quoting in a shell.</summary>
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+";

    /// <summary>About 118 bits of entropy.</summary>
    private const int Length = 20;

    /// <summary>
    /// A password with at least one upper-case letter, lower-case letter, digit and symbol, so that
    /// it passes Identity's default password rules.
    /// </summary>
    public static string Generate()
    {
        while (true)
        {
            var candidate = RandomNumberGenerator.GetString(Alphabet, Length);
            if (candidate.Any(char.IsUpper) && candidate.Any(char.IsLower) && candidate.Any(char.IsDigit) && candidate.Any(c => !char.IsLetterOrDigit(c)))
            {
                return candidate;
            }
        }
    }
}
