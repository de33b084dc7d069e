/* The PDFium calls parsers/pdf/pdfium.py makes for every character and every text object,
 * in C.
 *
 * From Python each is a ctypes call, about half a microsecond: two per character (its text
 * object and its origin) came to a tenth of the time a page takes end to end, and the five
 * per text object and two per character first met in a style to a twentieth (issue 19).
 * Here each group is one call. PDFium's functions are passed in by address once (bind:
 * pypdfium2 has loaded the library), so nothing is linked against PDFium and no header of it
 * is needed. This module only fetches; every decision stays in pdfium.py, which makes the same
 * calls through ctypes where this module is not built (tests/test_pdf_engines.py compares
 * the two on every page of the corpora).
 *
 * bind(get_text_object, get_char_origin, get_matrix, has_unicode_map_error, count_marks,
 *      get_font, get_font_size, get_loose_char_box, get_glyph_width)
 *     the addresses of FPDFText_GetTextObject, FPDFText_GetCharOrigin, FPDFText_GetMatrix,
 *     FPDFText_HasUnicodeMapError, FPDFPageObj_CountMarks, FPDFTextObj_GetFont,
 *     FPDFText_GetFontSize, FPDFText_GetLooseCharBox and FPDFFont_GetGlyphWidth.
 * objects_and_origins(text_page, count) -> (objects, xs, ys)
 *     for characters 0 .. count - 1: the text object's address (None for NULL), and the x and
 *     the y of the origin (0.0 where PDFium reports none).
 * text_object_parts(text_page, index, text_object) -> (a, b, c, d, unicode_map_error, marks,
 *     font, font_size): character `index`'s matrix (a, b, c, d; zeros where PDFium reports
 *     none), whether its font has no usable ToUnicode map, its text object's number of marks
 *     and font (None for NULL), and its nominal font size.
 * advance_parts(text_page, index, font, code, font_size) -> (loose_right, glyph_width):
 *     the right edge of character `index`'s loose box (0.0 where PDFium reports none), and
 *     the width of character `code` in `font` at `font_size` (taken as a C float, as ctypes'
 *     c_float takes it), None where PDFium has none.
 *
 * The GIL is held throughout, as pdfium.py's bindings hold it: PDFium must not run in two
 * threads at once, and nothing here calls back into Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct { float a, b, c, d, e, f; } matrix_t;                /* FS_MATRIX */
typedef struct { float left, top, right, bottom; } rect_t;          /* FS_RECTF */

static void *(*get_text_object)(void *text_page, int index);
static int (*get_char_origin)(void *text_page, int index, double *x, double *y);
static int (*get_matrix)(void *text_page, int index, matrix_t *matrix);
static int (*has_unicode_map_error)(void *text_page, int index);
static int (*count_marks)(void *page_object);
static void *(*get_font)(void *page_object);
static double (*get_font_size)(void *text_page, int index);
static int (*get_loose_char_box)(void *text_page, int index, rect_t *rect);
static int (*get_glyph_width)(void *font, uint32_t code, float font_size, float *width);

static PyObject *
bind(PyObject *module, PyObject *args)
{
    unsigned long long address[9];
    if (!PyArg_ParseTuple(args, "KKKKKKKKK", &address[0], &address[1], &address[2], &address[3],
                          &address[4], &address[5], &address[6], &address[7], &address[8]))
        return NULL;
    for (int i = 0; i < 9; i++) {
        if (!address[i]) {
            PyErr_SetString(PyExc_ValueError, "bind: a null function address");
            return NULL;
        }
    }
    get_text_object = (void *)(uintptr_t)address[0];
    get_char_origin = (void *)(uintptr_t)address[1];
    get_matrix = (void *)(uintptr_t)address[2];
    has_unicode_map_error = (void *)(uintptr_t)address[3];
    count_marks = (void *)(uintptr_t)address[4];
    get_font = (void *)(uintptr_t)address[5];
    get_font_size = (void *)(uintptr_t)address[6];
    get_loose_char_box = (void *)(uintptr_t)address[7];
    get_glyph_width = (void *)(uintptr_t)address[8];
    Py_RETURN_NONE;
}

/* PyArg_ParseTuple's converter ("O&") for a handle or address: an int, not 0. It fails
 * before bind() too, so that no function is called through a null pointer. */
static int
as_pointer(PyObject *value, void **pointer)
{
    if (!get_text_object) {
        PyErr_SetString(PyExc_RuntimeError, "_chars: bind() first");
        return 0;
    }
    *pointer = PyLong_AsVoidPtr(value);
    if (!*pointer) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "_chars: a null text page, text object or font");
        return 0;
    }
    return 1;
}

static PyObject *
address_or_none(void *pointer)
{
    return pointer ? PyLong_FromVoidPtr(pointer) : Py_NewRef(Py_None);
}

static PyObject *
objects_and_origins(PyObject *module, PyObject *args)
{
    void *text_page;
    int count;
    if (!PyArg_ParseTuple(args, "O&i", as_pointer, &text_page, &count))
        return NULL;
    if (count < 0) {
        PyErr_SetString(PyExc_ValueError, "objects_and_origins: a negative count");
        return NULL;
    }
    PyObject *objects = PyList_New(count);
    PyObject *xs = PyList_New(count);
    PyObject *ys = PyList_New(count);
    if (!objects || !xs || !ys)
        goto fail;
    for (int index = 0; index < count; index++) {
        double x = 0.0, y = 0.0;
        if (!get_char_origin(text_page, index, &x, &y))
            x = y = 0.0;
        PyObject *object = address_or_none(get_text_object(text_page, index));
        PyObject *x_value = PyFloat_FromDouble(x);
        PyObject *y_value = PyFloat_FromDouble(y);
        if (!object || !x_value || !y_value) {
            Py_XDECREF(object);
            Py_XDECREF(x_value);
            Py_XDECREF(y_value);
            goto fail;
        }
        PyList_SET_ITEM(objects, index, object);  /* the lists own them now */
        PyList_SET_ITEM(xs, index, x_value);
        PyList_SET_ITEM(ys, index, y_value);
    }
    return Py_BuildValue("(NNN)", objects, xs, ys);

fail:
    Py_XDECREF(objects);
    Py_XDECREF(xs);
    Py_XDECREF(ys);
    return NULL;
}

static PyObject *
text_object_parts(PyObject *module, PyObject *args)
{
    void *text_page, *text_object;
    int index;
    if (!PyArg_ParseTuple(args, "O&iO&", as_pointer, &text_page, &index, as_pointer, &text_object))
        return NULL;
    matrix_t matrix = {0};
    if (!get_matrix(text_page, index, &matrix))
        matrix = (matrix_t){0};
    int map_error = has_unicode_map_error(text_page, index);
    int marks = count_marks(text_object);
    PyObject *font = address_or_none(get_font(text_object));
    if (!font)
        return NULL;
    double font_size = get_font_size(text_page, index);
    return Py_BuildValue("(ddddNiNd)", (double)matrix.a, (double)matrix.b, (double)matrix.c, (double)matrix.d,
                         PyBool_FromLong(map_error), marks, font, font_size);
}

static PyObject *
advance_parts(PyObject *module, PyObject *args)
{
    void *text_page, *font;
    int index;
    unsigned int code;
    double font_size;
    if (!PyArg_ParseTuple(args, "O&iO&Id", as_pointer, &text_page, &index, as_pointer, &font, &code, &font_size))
        return NULL;
    rect_t loose = {0};
    if (!get_loose_char_box(text_page, index, &loose))
        loose = (rect_t){0};
    float width = 0.0f;
    if (!get_glyph_width(font, (uint32_t)code, (float)font_size, &width))
        return Py_BuildValue("(dO)", (double)loose.right, Py_None);
    return Py_BuildValue("(dd)", (double)loose.right, (double)width);
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(*addresses): PDFium's functions, by address (see _chars.c)"},
    {"objects_and_origins", objects_and_origins, METH_VARARGS,
     "objects_and_origins(text_page, count) -> (objects, xs, ys)"},
    {"text_object_parts", text_object_parts, METH_VARARGS,
     "text_object_parts(text_page, index, text_object) -> (a, b, c, d, unicode_map_error, marks, font, font_size)"},
    {"advance_parts", advance_parts, METH_VARARGS,
     "advance_parts(text_page, index, font, code, font_size) -> (loose_right, glyph_width or None)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_chars", "PDFium's per-character calls in C: see _chars.c.", -1, methods,
};

PyMODINIT_FUNC
PyInit__chars(void)
{
    return PyModule_Create(&module);
}
