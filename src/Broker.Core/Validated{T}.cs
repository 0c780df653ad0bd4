namespace Broker.Core;

/// <summary>
/// The outcome of checking an input: either a valid value or every error found (never just the
/// first), so a form or a ProblemDetails response can list all fields at once.
/// Built by <see cref="Validated"/>.
/// </summary>
/// <typeparam name="T">The value built from a valid input.</typeparam>
public sealed class Validated<T>
    where T : class
{
    internal Validated(T? value, IReadOnlyList<ValidationError> errors)
    {
        Value = value;
        Errors = errors;
    }

    /// <summary>The value; <see langword="null"/> exactly when <see cref="Errors"/> is not empty.</summary>
    public T? Value { get; }

    /// <summary>Every broken rule, in the order the fields were checked; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>True when the input was valid and <see cref="Value"/> is set.</summary>
    public bool IsValid => Value is not null;
}
