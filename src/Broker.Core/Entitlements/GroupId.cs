namespace Broker.Core.Entitlements;

/// <summary>Identifies a group of users as the identity system knows it.</summary>
/// <param name="Value">The identity system's group id.</param>
public readonly record struct GroupId(string Value)
{
    /// <summary>The longest group name an admin may give.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// The broken rules of <paramref name="name"/> as the name of a group the broker keeps: 1 to
    /// <see cref="MaxNameLength"/> letters, digits, dots, dashes and underscores (so it reads the
    /// same in a URL, a shell and an audit entry). Empty when it is a valid name.
    /// </summary>
    public static IReadOnlyList<ValidationError> CheckName(string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return [new ValidationError(field, "is required.")];
        }

        if (name.Length > MaxNameLength)
        {
            return [new ValidationError(field, $"must be at most {MaxNameLength} characters.")];
        }

        return name.All(IsNameCharacter)
            ? []
            : [new ValidationError(field, "may contain only letters, digits, '.', '-' and '_'.")];
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static bool IsNameCharacter(char character) => char.IsAsciiLetterOrDigit(character) || character is '.' or '-' or '_';
}
