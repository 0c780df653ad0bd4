namespace Broker.Core;

/// <summary>Builds <see cref="Validated{T}"/> outcomes.</summary>
public static class Validated
{
    /// <summary>A valid outcome.</summary>
    public static Validated<T> Success<T>(T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Validated<T>(value, []);
    }

    /// <summary>An invalid outcome; <paramref name="errors"/> must not be empty.</summary>
    public static Validated<T> Failure<T>(IReadOnlyList<ValidationError> errors)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        return new Validated<T>(null, errors);
    }

    /// <summary><see cref="Success{T}"/> of <paramref name="build"/>'s value when <paramref name="errors"/> is empty, else <see cref="Failure{T}"/>.</summary>
    public static Validated<T> From<T>(IReadOnlyList<ValidationError> errors, Func<T> build)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(build);
        return errors.Count == 0 ? Success(build()) : Failure<T>(errors);
    }
}
