#pragma once

#include <optional>
#include <utility>
#include <variant>

namespace jc {

// The error side of an Expected, named where it is made: `return Unexpected(message);`.
// As with C++23's std::unexpected, an error never turns into an Expected unnoticed (a QString
// meant as a value cannot become an error, or the other way round), and the reader of a
// `return` sees which side it is.
template <typename E> class Unexpected
{
public:
    explicit Unexpected(E error)
        : m_error(std::move(error))
    {}

    E &error() & { return m_error; }
    E &&error() && { return std::move(m_error); }

private:
    E m_error;
};

// A value or an error, as data. Core returns these at its edges instead of throwing, so a
// caller always gets something it can show a person (ARCHITECTURE.md, decision 6).
// std::expected arrives with C++23; this is the small part of it the project needs: a value
// converts implicitly, an error only through Unexpected.
// [[nodiscard]]: an ignored result is an ignored error, and the compiler says so.
template <typename T, typename E> class [[nodiscard]] Expected
{
public:
    Expected(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {}
    template <typename G>
    Expected(Unexpected<G> error)
        : m_data(std::in_place_index<1>, E(std::move(error).error()))
    {}

    [[nodiscard]] bool hasValue() const { return m_data.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    [[nodiscard]] const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    [[nodiscard]] const E &error() const { return std::get<1>(m_data); }

    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

private:
    std::variant<T, E> m_data;
};

// Done, or an error: for work that has nothing to return but can fail. `return {};` is
// success.
template <typename E> class [[nodiscard]] Expected<void, E>
{
public:
    Expected() = default;
    template <typename G>
    Expected(Unexpected<G> error)
        : m_error(E(std::move(error).error()))
    {}

    [[nodiscard]] bool hasValue() const { return !m_error.has_value(); }
    explicit operator bool() const { return hasValue(); }
    [[nodiscard]] const E &error() const { return *m_error; }

private:
    std::optional<E> m_error;
};

} // namespace jc
