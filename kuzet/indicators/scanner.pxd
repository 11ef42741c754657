# C types for scanner.py when Cython compiles it (scripts/build_native.py): characters read
# straight from the string's buffer, indexes as machine integers.
cimport cython

cpdef bint _is_word_character(Py_UCS4 character)

cpdef bint _starts_defanged_scheme(str text, Py_ssize_t start)

@cython.locals(end=Py_ssize_t, start=Py_ssize_t)
cpdef bint _ends_defanged_scheme(str text, Py_ssize_t index)

@cython.locals(size=Py_ssize_t, index=Py_ssize_t, character=Py_UCS4, code=Py_ssize_t, flags=str)
cpdef bint is_clean(str text)

@cython.locals(length=Py_ssize_t, index=Py_ssize_t, character=Py_UCS4, is_digit=bint,
               previous_is_digit=bint, found=list)
cpdef list trigger_positions(str text)

cpdef bint _is_digit(Py_UCS4 character)

@cython.locals(length=Py_ssize_t, character=Py_UCS4, line=Py_ssize_t, bracket=Py_ssize_t,
               after=Py_ssize_t,
               spaced=bint)
cpdef Py_ssize_t _after_separator(str text, Py_ssize_t index)

@cython.locals(length=Py_ssize_t, before=Py_UCS4, end=Py_ssize_t, index=Py_ssize_t,
               previous_end=Py_ssize_t, digits=Py_ssize_t)
cpdef Py_ssize_t number_run_end(str text, Py_ssize_t start)
